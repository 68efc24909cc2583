package org.medshare.client.records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.medshare.client.CliFailure;
import org.medshare.client.upload.HospitalKeys;
import org.medshare.client.upload.UploadPreparer;
import org.medshare.enclave.rows.PseudonymKey;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Which patient a command is about: the consortium reference the service knows ({@code --patient-ref}), or the
 * patient's identifier ({@code --patient system|value}, as in the FHIR bundles), made into that reference on this
 * machine with the consortium pseudonym key and never sent.
 */
public final class PatientOption {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Option(
            names = "--pseudonym-key",
            paramLabel = "FILE",
            description = "consortium pseudonym key, 32 bytes (default: CONFIG/pseudonym.key)")
    Path pseudonymKey;

    static final class Which {
        @Option(
                names = "--patient",
                paramLabel = "SYSTEM|VALUE",
                description = "the patient's identifier as in the FHIR bundles (system|value); made into the "
                        + "consortium reference here with the pseudonym key, never sent")
        String identifier;

        @Option(
                names = "--patient-ref",
                paramLabel = "HEX",
                description = "the patient's consortium reference (16 hex digits) if you already have it")
        String reference;
    }

    /**
     * The patient's consortium reference.
     *
     * @param config the configuration directory holding the default pseudonym key
     * @throws CliFailure usage error for a malformed reference or identifier, or a missing key
     */
    public String reference(Path config) {
        if (which.reference != null) {
            if (!which.reference.matches("[0-9a-f]{16,64}")) {
                throw CliFailure.usage("--patient-ref must be 16-64 lower-case hex digits");
            }
            return which.reference;
        }
        if (which.identifier.isBlank() || which.identifier.length() > 1024) {
            throw CliFailure.usage("--patient must be a non-empty identifier (system|value)");
        }
        try {
            PseudonymKey key = HospitalKeys.pseudonymKey(config, pseudonymKey);
            return UploadPreparer.consentReference(key, key.pseudonymOf(which.identifier));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
