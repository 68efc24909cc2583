/**
 * The query API: templates ({@code /api/v1/templates}), queries and their previews ({@code /api/v1/queries}),
 * data-use rules ({@code /api/v1/data-use-rules}), the hospitals' own disclosure limits
 * ({@code /api/v1/disclosure-limits}) and privacy budgets ({@code /api/v1/budgets}).
 */
package org.medshare.service.queries.rest;
