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
 * {@code abe_attrs} with key {@code role} or {@code dept}, plus {@code org:<org_id>@<current epoch>}. The
 * organisation attribute comes from {@code org_id} alone (an {@code org:} entry in {@code abe_attrs} adds nothing);
 * {@code org:} and {@code dept:} attributes carry the current epoch and no attribute may carry another (revocation:
 * raising the epoch retires every earlier key, whatever organisation it was issued to). {@code purpose:} attributes
 * are never a person's: they open every record uploaded for that purpose, whichever hospital it came from, and go
 * only to attested enclaves for approved queries.
 */
public final class ClinicianAttributes {

    static final Set<String> KEYS = Set.of("role", "dept");
    static final Set<String> EPOCH_KEYS = Set.of("dept");

    private ClinicianAttributes() {}

    /** The attributes {@code caller}'s token entitles a key to, in the current epoch {@code currentEpoch}. */
    public static SortedSet<String> of(Caller caller, String currentEpoch) {
        SortedSet<String> out = new TreeSet<>();
        out.add(organisation(caller, currentEpoch));
        out.addAll(held(caller, epoch -> epoch.map(currentEpoch::equals).orElse(true)));
        return out;
    }

    /** {@code caller}'s organisation attribute in epoch {@code epoch}: {@code org:<org_id>@<epoch>}. */
    public static String organisation(Caller caller, String epoch) {
        return legacyOrganisation(caller) + "@" + epoch;
    }

    /**
     * {@code caller}'s organisation attribute as records uploaded before organisation attributes carried epochs name
     * it: {@code org:<org_id>}, without an epoch. Only keys issued before then hold it; no key is issued for it now.
     */
    public static String legacyOrganisation(Caller caller) {
        return "org:" + caller.organisation();
    }

    /**
     * The attributes {@code caller} held before: those of its token that would be a key's by the same rules but carry
     * a retired epoch ({@link AttributeEpochs#isRetired}), its organisation attribute in each retired epoch, and its
     * {@link #legacyOrganisation legacy organisation attribute}. A policy these satisfy, with the current ones, names
     * the caller's organisation or departments only as they were before the current epoch.
     */
    public static SortedSet<String> retired(Caller caller, AttributeEpochs epochs) {
        SortedSet<String> out = new TreeSet<>();
        out.add(legacyOrganisation(caller));
        for (String epoch : epochs.retired()) {
            out.add(organisation(caller, epoch));
        }
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
            boolean allowed =
                    KEYS.contains(key) && (!EPOCH_KEYS.contains(key) || epoch.isPresent()) && epochAllowed.test(epoch);
            if (allowed) {
                out.add(text);
            }
        }
        return out;
    }
}
