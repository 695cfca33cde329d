/** Trunks as configured: the four ways a customer's PBX connects, as immutable records. */
package org.trunkline.core.trunk;
