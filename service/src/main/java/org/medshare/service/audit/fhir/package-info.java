/**
 * The audit ledger as FHIR R4 AuditEvent resources after the IHE Basic Audit Log Patterns (BALP), for export.
 */
package org.medshare.service.audit.fhir;
