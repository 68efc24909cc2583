package org.medshare.service.records;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The purposes of use a request for a record may name: a subset of the HL7 v3 PurposeOfUse value set
 * (code system {@value #SYSTEM}), by their v3 codes. {@link #ETREAT} is emergency ("break-glass") treatment.
 */
public enum PurposeOfUse {
    TREAT("treatment"),
    ETREAT("Emergency Treatment"),
    CAREMGT("care management"),
    PATRQT("patient requested"),
    HPAYMT("healthcare payment"),
    HOPERAT("healthcare operations"),
    HRESCH("healthcare research"),
    PUBHLTH("public health");

    /** The HL7 v3 ActReason code system the codes belong to. */
    public static final String SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    private final String display;

    PurposeOfUse(String display) {
        this.display = display;
    }

    /** The code system's display name of the code. */
    public String display() {
        return display;
    }

    /** The purpose with this exact code (case-sensitive, as in the code system). */
    public static Optional<PurposeOfUse> ofCode(String code) {
        return Arrays.stream(values()).filter(p -> p.name().equals(code)).findFirst();
    }

    /** Every code, in declaration order. */
    public static List<String> codes() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }
}
