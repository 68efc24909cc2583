/**
 * Reading the audit trail: event filters and paging bounded per request, checkpoint and proof views, the
 * incentive contract's balances, and the FHIR AuditEvent export. It only reads; nothing here changes the ledger.
 */
package org.medshare.service.audit.service;
