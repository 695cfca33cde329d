/** SIP traces (issue 7): captured messages, their correlation to calls and trunks, the sink. */
package org.trunkline.core.trace;
