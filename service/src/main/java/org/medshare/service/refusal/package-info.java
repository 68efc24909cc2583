/**
 * Refusals in the service's own terms: a request refused for a reason the caller can act on, and why
 * ({@code Refusal}). Free of HTTP; the {@code problem} package gives each refusal its status.
 */
package org.medshare.service.refusal;
