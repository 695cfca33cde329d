/** Calls between trunks: routing by number and the back-to-back user agent (issue 6). */
package org.trunkline.core.call;
