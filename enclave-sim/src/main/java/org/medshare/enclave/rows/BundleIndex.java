package org.medshare.enclave.rows;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The entries of one Bundle and the resolution of references between them, as R4 defines it (Bundle, "Resolving
 * references in Bundles"; §3.1.0.1.2, conditional references in transactions). A reference resolves, in this order,
 * to: the resource set on it inline; a resource contained in the referring one ({@code #id}); the entry with that
 * exact {@code fullUrl} (including {@code urn:uuid:} and absolute URLs); the entry whose {@code Type/id} is the
 * reference's type and id (so an absolute or versioned reference finds the entry); or, for
 * {@code Type?identifier=system|value}, the one entry of that type with that identifier ({@code system|value} matches
 * that system, {@code |value} an identifier without system, {@code value} any system). Nothing is fetched from
 * outside the Bundle. Entries without a resource are left out. Immutable once built.
 */
final class BundleIndex {
    private final List<Resource> resources;
    private final Map<String, Resource> byRef = new HashMap<>();
    private final Map<Resource, String> names = new IdentityHashMap<>();

    BundleIndex(Bundle b) {
        List<Resource> entries = new ArrayList<>();
        int n = 0;
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            n++;
            Resource r = e.getResource();
            if (r == null) {
                continue;
            }
            entries.add(r);
            String idPart = r.getIdElement().hasIdPart() ? r.getIdElement().getIdPart() : null;
            if (e.hasFullUrl()) {
                byRef.put(e.getFullUrl(), r);
            }
            if (idPart != null && !idPart.startsWith("urn:")) {
                byRef.put(r.fhirType() + "/" + idPart, r);
                names.put(r, r.fhirType() + "/" + idPart);
            } else if (e.hasFullUrl()) {
                names.put(r, r.fhirType() + " " + e.getFullUrl());
            } else {
                names.put(r, r.fhirType() + " #" + n);
            }
        }
        resources = List.copyOf(entries);
    }

    /** The entries' resources in Bundle order (unmodifiable). */
    List<Resource> resources() {
        return resources;
    }

    /**
     * How a skip names the resource: {@code Type/id}, else {@code Type fullUrl}, else {@code Type #n} (its entry's
     * 1-based position), else just its type.
     */
    String name(Resource r) {
        return names.getOrDefault(r, r.fhirType());
    }

    /** {@link #resolve}, or {@code null} where it would fail. */
    Resource resolveOrNull(Reference ref, Resource from) {
        try {
            return resolve(ref, from);
        } catch (RowSkipped e) {
            return null;
        }
    }

    /**
     * The resource {@code ref} (an element of {@code from}) refers to.
     *
     * @throws RowSkipped with the reason when it refers to none or, conditionally, to more than one
     */
    Resource resolve(Reference ref, Resource from) throws RowSkipped {
        if (ref == null || ref.isEmpty()) {
            throw new RowSkipped("it names no such resource");
        }
        if (ref.getResource() instanceof Resource inline) {
            return inline;
        }
        String s = ref.getReference();
        if (s == null) {
            throw new RowSkipped("its reference has only an identifier or display, not a resource in the Bundle");
        }
        if (s.startsWith("#")) {
            if (from instanceof DomainResource d) {
                for (Resource c : d.getContained()) {
                    if (c.getIdElement().hasIdPart()
                            && stripHash(c.getIdElement().getIdPart()).equals(s.substring(1))) {
                        return c;
                    }
                }
            }
            throw new RowSkipped("it refers to " + s + ", which is not contained in it");
        }
        int query = s.indexOf('?');
        if (query > 0) {
            return conditional(s.substring(0, query), s.substring(query + 1));
        }
        Resource r = byRef.get(s);
        if (r == null
                && ref.getReferenceElement().hasIdPart()
                && ref.getReferenceElement().hasResourceType()) {
            r = byRef.get(ref.getReferenceElement().getResourceType() + "/"
                    + ref.getReferenceElement().getIdPart());
        }
        if (r == null) {
            throw new RowSkipped("it refers to " + s + ", which is not in the Bundle");
        }
        return r;
    }

    /** {@code id} without the leading {@code #} that HAPI keeps on the ids of contained resources. */
    static String stripHash(String id) {
        return id.startsWith("#") ? id.substring(1) : id;
    }

    private Resource conditional(String type, String parameters) throws RowSkipped {
        String shown = type + "?" + parameters;
        String identifier = null;
        for (String p : parameters.split("&")) {
            if (p.startsWith("identifier=")) {
                identifier = URLDecoder.decode(p.substring("identifier=".length()), StandardCharsets.UTF_8);
            } else {
                throw new RowSkipped("its conditional reference " + shown
                        + " uses a search parameter other than identifier, which only a server can resolve");
            }
        }
        if (identifier == null) {
            throw new RowSkipped("its conditional reference " + shown + " has no identifier parameter");
        }
        int bar = identifier.indexOf('|');
        String system = bar < 0 ? null : identifier.substring(0, bar);
        String value = bar < 0 ? identifier : identifier.substring(bar + 1);
        List<Resource> matches = new ArrayList<>();
        for (Resource r : resources) {
            if (r.fhirType().equals(type) && hasIdentifier(r, system, value)) {
                matches.add(r);
            }
        }
        if (matches.size() != 1) {
            throw new RowSkipped("its conditional reference " + shown + " matches " + matches.size() + " " + type
                    + " entries of the Bundle, not exactly one");
        }
        return matches.get(0);
    }

    private static boolean hasIdentifier(Resource r, String system, String value) {
        Property identifiers = r.getNamedProperty("identifier");
        if (identifiers == null) {
            return false;
        }
        for (Base b : identifiers.getValues()) {
            if (b instanceof Identifier id
                    && value.equals(id.getValue())
                    && (system == null || (system.isEmpty() ? !id.hasSystem() : system.equals(id.getSystem())))) {
                return true;
            }
        }
        return false;
    }
}
