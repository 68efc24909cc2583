/**
 * The query API: templates ({@code /api/v1/templates}), queries ({@code /api/v1/queries}) and data-use rules
 * ({@code /api/v1/data-use-rules}).
 */
package org.medshare.service.queries.rest;
