/** OPTIONS probing of trunk targets and the trunk states an engineer reads. */
package org.trunkline.core.health;
