/** Trunks, routing, B2BUA calls, limits and CDRs; owns the storage interfaces. */
package org.trunkline.core;
