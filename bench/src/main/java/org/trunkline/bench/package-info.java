/** JMH benchmarks. */
package org.trunkline.bench;
