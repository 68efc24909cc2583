/**
 * Data access for templates, queries, data-use rules and privacy budgets.
 */
package org.medshare.service.queries.persistence;
