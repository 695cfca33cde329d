/** SIP transports on Netty, transactions and the trace tap. */
package org.trunkline.stack;
