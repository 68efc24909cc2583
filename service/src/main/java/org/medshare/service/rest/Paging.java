package org.medshare.service.rest;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one paging mechanism of every list answer. A list operation takes a start parameter ({@code offset} for lists
 * ordered by the service, {@code from} for ledger streams where it is a ledger index, FHIR's {@code _offset}) and a
 * {@code limit} (FHIR's {@code _count}); when more items may follow the page, the answer carries
 *
 * <ul>
 *   <li>{@code Link: <next page URL>; rel="next"} (RFC 8288): the request with the start parameter moved on, and
 *   <li>{@code X-Next-From}: the start parameter's value for the next page.
 * </ul>
 *
 * An answer without them is the last page. A client pages by following {@code rel="next"} until it is absent. FHIR
 * searchset Bundles also carry the same link in {@code Bundle.link} with the true {@code Bundle.total}.
 */
public final class Paging {

    /** The header naming the start parameter's value of the next page. */
    public static final String NEXT_FROM = "X-Next-From";

    /** The header carrying the next page's URL (RFC 8288). */
    public static final String LINK = "Link";

    private Paging() {}

    /**
     * A 200 answer with the first {@code limit} of {@code fetched} and, if {@code fetched} holds more (the caller
     * asked the service for {@code limit + 1}), the next-page headers pointing at {@code start + limit}.
     *
     * @param fetched up to {@code limit + 1} items from position {@code start}
     */
    public static Response page(UriInfo uri, String startParameter, long start, int limit, List<?> fetched) {
        boolean more = fetched.size() > limit;
        List<?> items = more ? fetched.subList(0, limit) : fetched;
        return withNext(Response.ok(items), uri, startParameter, more ? Long.valueOf(start + limit) : null)
                .build();
    }

    /** Adds the next-page headers to {@code answer} when {@code next} is not null. */
    public static Response.ResponseBuilder withNext(
            Response.ResponseBuilder answer, UriInfo uri, String startParameter, Long next) {
        if (next != null) {
            URI nextPage = uri.getRequestUriBuilder()
                    .replaceQueryParam(startParameter, next)
                    .build();
            answer.header(NEXT_FROM, next).header(LINK, next(nextPage));
        }
        return answer;
    }

    /**
     * The {@code Bundle.link}s of one page of a FHIR search: {@code self}, {@code next} when matches follow the page
     * and {@code previous} when it is not the first; each names {@code _offset} and {@code _count} explicitly.
     *
     * @param total every match of the search, not only this page's
     */
    public static Map<String, URI> fhirLinks(UriInfo uri, int offset, int count, long total) {
        Map<String, URI> links = new LinkedHashMap<>();
        links.put("self", fhirPage(uri, offset, count));
        if (offset + (long) count < total) {
            links.put("next", fhirPage(uri, offset + count, count));
        }
        if (offset > 0) {
            links.put("previous", fhirPage(uri, Math.max(0, offset - count), count));
        }
        return links;
    }

    /** Adds the next-page headers to {@code answer} when {@code links} (from {@link #fhirLinks}) has a next page. */
    public static Response.ResponseBuilder withFhirNext(
            Response.ResponseBuilder answer, Map<String, URI> links, int offset, int count) {
        URI nextPage = links.get("next");
        return nextPage == null
                ? answer
                : answer.header(NEXT_FROM, offset + count).header(LINK, next(nextPage));
    }

    private static URI fhirPage(UriInfo uri, int offset, int count) {
        return uri.getRequestUriBuilder()
                .replaceQueryParam("_offset", offset)
                .replaceQueryParam("_count", count)
                .build();
    }

    /** The {@code Link} header value naming {@code nextPage} as the next page. */
    public static String next(URI nextPage) {
        return "<" + nextPage + ">; rel=\"next\"";
    }
}
