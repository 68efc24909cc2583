package org.medshare.service.records.service;

import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.medshare.abe.Attribute;
import org.medshare.service.epochs.service.AttributeEpochs;
import org.medshare.service.identity.Caller;

/**
 * The ABE attributes a hospital clinician holds, as the identity provider's token proves them: the token's
 * {@code abe_attrs} with key {@code org}, {@code role} or {@code dept}, plus {@code org:<org_id>}. An
 * {@code org:} attribute must name the caller's own organisation; {@code dept:} attributes must carry the
 * current epoch and no attribute may carry another (revocation: raising the epoch retires earlier keys). {@code purpose:}
 * attributes are never a person's: they open every record uploaded for that purpose, whichever hospital it
 * came from, and go only to attested enclaves for approved queries.
 */
public final class ClinicianAttributes {

    static final Set<String> KEYS = Set.of("org", "role", "dept");
    static final Set<String> EPOCH_KEYS = Set.of("dept");

    private ClinicianAttributes() {}

    /** The attributes {@code caller}'s token entitles a key to, in the current epoch {@code currentEpoch}. */
    public static SortedSet<String> of(Caller caller, String currentEpoch) {
        SortedSet<String> out = new TreeSet<>();
        out.add("org:" + caller.organisation());
        out.addAll(held(caller, epoch -> epoch.map(currentEpoch::equals).orElse(true)));
        return out;
    }

    /**
     * The attributes of {@code caller}'s token that would be a key's by the same rules but carry a retired epoch
     * ({@link AttributeEpochs#isRetired}): what the caller held before the epoch was raised.
     */
    public static SortedSet<String> retired(Caller caller, AttributeEpochs epochs) {
        SortedSet<String> out = new TreeSet<>();
        for (String text : held(caller, epoch -> epoch.isPresent())) {
            if (epochs.isRetired(text)) {
                out.add(text);
            }
        }
        return out;
    }

    private static SortedSet<String> held(Caller caller, Predicate<Optional<String>> epochAllowed) {
        SortedSet<String> out = new TreeSet<>();
        for (String text : caller.abeAttributes()) {
            Attribute attribute;
            try {
                attribute = Attribute.of(text);
            } catch (IllegalArgumentException e) {
                continue;
            }
            String key = attribute.key();
            Optional<String> epoch = attribute.epoch();
            boolean allowed = KEYS.contains(key)
                    && (!key.equals("org") || text.equals("org:" + caller.organisation()))
                    && (!EPOCH_KEYS.contains(key) || epoch.isPresent())
                    && epochAllowed.test(epoch);
            if (allowed) {
                out.add(text);
            }
        }
        return out;
    }
}
