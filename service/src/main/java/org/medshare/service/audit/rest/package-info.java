/**
 * The regulator's audit API under {@code /api/v1/audit}: events, checkpoints, proofs, balances and the FHIR
 * export. Thin: parameters in, {@code audit.service} answers out.
 */
package org.medshare.service.audit.rest;
