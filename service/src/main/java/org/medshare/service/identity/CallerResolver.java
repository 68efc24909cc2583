package org.medshare.service.identity;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Builds the {@link Caller} of the current request from its verified token.
 * A caller without an {@code org_id} claim is refused: every MedShare action is on behalf of an organisation.
 */
@RequestScoped
public class CallerResolver {

    static final String ORG_CLAIM = "org_id";
    static final String ABE_ATTRIBUTES_CLAIM = "abe_attrs";

    private final SecurityIdentity identity;
    private final JsonWebToken token;

    @Inject
    CallerResolver(SecurityIdentity identity, JsonWebToken token) {
        this.identity = identity;
        this.token = token;
    }

    /**
     * @return the current caller
     * @throws ForbiddenException if the token names no organisation
     */
    public Caller current() {
        String organisation = stringClaim(ORG_CLAIM);
        if (organisation == null || organisation.isBlank()) {
            throw new ForbiddenException();
        }
        Set<String> roles = identity.getRoles().stream()
                .filter(Caller.KNOWN_ROLES::contains)
                .collect(Collectors.toSet());
        return new Caller(identity.getPrincipal().getName(), new TreeSet<>(roles), organisation, attributes());
    }

    /** The organisation the current token names, or null for an anonymous request or a token naming none. */
    public String organisationOrNull() {
        if (identity.isAnonymous()) {
            return null;
        }
        String organisation = stringClaim(ORG_CLAIM);
        return organisation == null || organisation.isBlank() ? null : organisation;
    }

    private String stringClaim(String name) {
        Object value = token.getClaim(name);
        return value == null ? null : unquote(value.toString());
    }

    private TreeSet<String> attributes() {
        Object value = token.getClaim(ABE_ATTRIBUTES_CLAIM);
        TreeSet<String> attributes = new TreeSet<>();
        if (value instanceof Collection<?> many) {
            many.forEach(v -> attributes.add(unquote(v.toString())));
        } else if (value != null) {
            attributes.add(unquote(value.toString()));
        }
        return attributes;
    }

    /** JSON-P string values print with quotes; claims from other sources do not. */
    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
