/** Which trunk a request belongs to: a pipeline of named stages (STYLE 10). */
package org.trunkline.core.ingress;
