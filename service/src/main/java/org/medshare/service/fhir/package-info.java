/**
 * The service's one HAPI FHIR R4 context and its JSON form, shared by the consent and audit APIs.
 */
package org.medshare.service.fhir;
