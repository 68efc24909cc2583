package org.medshare.service.consent.service;

import java.util.HexFormat;
import org.medshare.service.digest.Sha256;

/** Names the consent of a (hospital, pseudonymous patient). */
public final class ConsentIds {

    private ConsentIds() {}

    /**
     * The id of the FHIR Consent of a (hospital, pseudonymous patient): the first 128 bits of
     * SHA-256("medshare-consent-v1" ‖ 0x0A ‖ organisation ‖ 0x0A ‖ patient reference), hex. Deterministic, so a
     * consent needs no row until it is revoked, and it reveals neither the organisation nor the patient.
     */
    public static String of(String organisation, String patientRef) {
        byte[] digest = Sha256.of("medshare-consent-v1\n" + organisation + "\n" + patientRef);
        return HexFormat.of().formatHex(digest, 0, 16);
    }
}
