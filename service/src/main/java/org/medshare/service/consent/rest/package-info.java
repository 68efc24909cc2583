/**
 * Consent in the API: the FHIR R4 facade ({@code /api/v1/fhir/Consent}, search, read and {@code $revoke}) and
 * the mapping of a patient consent to a FHIR Consent resource.
 */
package org.medshare.service.consent.rest;
