/**
 * {@code medshare records}: a clinician finds a patient's records across the consortium by the patient's
 * pseudonymous reference ({@code search}), fetches one and opens it on its own machine after checking that the
 * envelope is the one its hospital signed ({@code get}), and a hospital lists who opened its records
 * ({@code access}). The plaintext exists only in the file {@code get} writes.
 */
package org.medshare.client.records;
