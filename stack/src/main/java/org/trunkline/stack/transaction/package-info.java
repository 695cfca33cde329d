/**
 * RFC 3261 §17 transactions (with RFC 6026) on an injected scheduler, below the transaction user.
 */
package org.trunkline.stack.transaction;
