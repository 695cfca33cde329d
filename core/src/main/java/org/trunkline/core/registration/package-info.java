/** register-out trunks: we register to the customer's PBX and keep the registration alive. */
package org.trunkline.core.registration;
