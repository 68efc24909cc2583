package org.medshare.service.enclave;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.medshare.enclave.keyrelease.PartyKeyList;
import org.medshare.enclave.keyrelease.PartyKeyList.PartyKey;
import org.medshare.enclave.keyrelease.TrustedParties;
import org.medshare.service.config.MedshareConfig;

/**
 * The consortium's party keys ({@link PartyKeyList}: the regulators' query-approval keys and the hospitals' key-grant
 * keys), read from the file {@code medshare.enclave.party-keys} names. The key authority is started trusting exactly
 * these ({@link #trusted()}); the service itself holds none of their private halves, so it can neither approve a
 * query nor grant a clinician key on its own. A malformed file stops the service at start with the line at fault.
 * Without the setting, no query can be approved and no clinician key issued.
 */
@ApplicationScoped
public class PartyKeys {

    public static final String APPROVE_QUERIES = PartyKeyList.APPROVE_QUERIES;
    public static final String GRANT_KEYS = PartyKeyList.GRANT_KEYS;

    private final PartyKeyList keys;

    @Inject
    PartyKeys(MedshareConfig config) {
        this.keys = config.enclave().partyKeys().map(PartyKeys::read).orElse(PartyKeyList.empty());
    }

    /** Every key, in file order. */
    public List<PartyKey> all() {
        return keys.all();
    }

    /** The key with this id for {@code role}, if the file lists one. */
    public Optional<PartyKey> find(String role, String keyId) {
        return keys.find(role, keyId);
    }

    /** What the key authority's measured configuration is to trust. */
    public TrustedParties trusted() {
        return keys.trusted();
    }

    private static PartyKeyList read(Path file) {
        try {
            return PartyKeyList.parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the party keys file " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the party keys file " + file + ", " + e.getMessage(), e);
        }
    }
}
