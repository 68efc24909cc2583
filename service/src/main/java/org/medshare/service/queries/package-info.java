/**
 * Insurers' aggregate queries: templates a regulator approves, hospitals' data-use rules, queries, and the
 * approve, enclave, settle workflow. {@code DataUseRule} is the rule value shared by the layers.
 */
package org.medshare.service.queries;
