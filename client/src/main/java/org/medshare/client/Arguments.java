package org.medshare.client;

import org.medshare.abe.Policy;
import org.medshare.abe.PolicySyntaxException;
import org.medshare.abe.Suite;

/** User-given values that several commands take, parsed once; a bad value is a usage error (exit 2). */
public final class Arguments {
    private Arguments() {}

    /** The symmetric suite named {@code label} ({@code nist} or {@code gm}). */
    public static Suite suite(String label) {
        try {
            return Suite.fromLabel(label);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
    }

    /** The access policy written as {@code expression}. */
    public static Policy policy(String expression) {
        try {
            return Policy.parse(expression);
        } catch (PolicySyntaxException e) {
            throw CliFailure.usage("invalid policy: " + e.getMessage());
        }
    }
}
