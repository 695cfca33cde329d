/** register-in trunks: the registrar that keeps their PBXs' contacts (RFC 3261 §10.3). */
package org.trunkline.core.registrar;
