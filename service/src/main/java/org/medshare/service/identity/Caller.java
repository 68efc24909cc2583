package org.medshare.service.identity;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The authenticated party behind a request, as asserted by the identity provider's token.
 *
 * @param subject        the token's {@code sub}; stable per user or service account
 * @param roles          MedShare realm roles held ({@code hospital}, {@code insurer}, {@code regulator})
 * @param organisation   the {@code org_id} claim; never blank for a caller that passed authorisation
 * @param abeAttributes  the {@code abe_attrs} claim: {@code key:value} attributes, sorted
 */
public record Caller(String subject, SortedSet<String> roles, String organisation, SortedSet<String> abeAttributes) {

    /** The roles MedShare knows; any other role in a token is ignored. */
    public static final List<String> KNOWN_ROLES = List.of("hospital", "insurer", "regulator");

    public Caller {
        roles = immutableSorted(roles);
        abeAttributes = immutableSorted(abeAttributes);
    }

    /** How this caller is named in ledger events and stored decisions: {@code organisation:subject}. */
    public String actor() {
        return organisation + ":" + subject;
    }

    private static SortedSet<String> immutableSorted(Set<String> values) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(values));
    }
}
