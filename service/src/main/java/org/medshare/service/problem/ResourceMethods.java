package org.medshare.service.problem;

import io.quarkus.arc.Arc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The methods each path of the REST API answers, read once from the JAX-RS resource classes themselves (so it
 * cannot drift from them). {@code OPTIONS} answers and the {@code Allow} header of every 405 (RFC 9110 §15.5.6,
 * §9.3.7) come from here: a path advertises exactly the methods that have a resource method on it, plus
 * {@code HEAD} where {@code GET} is served and {@code OPTIONS} itself.
 */
@ApplicationScoped
public class ResourceMethods {

    private record Route(Pattern path, String method) {}

    private volatile List<Route> routes;

    /**
     * The methods {@code path} answers, in a stable order, or an empty set when no resource serves the path.
     *
     * @param path the request path, starting with {@code /}, without the query
     */
    public Set<String> allowed(String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : routes()) {
            if (route.path().matcher(path).matches()) {
                methods.add(route.method());
            }
        }
        if (methods.isEmpty()) {
            return Set.of();
        }
        if (methods.contains(HttpMethod.GET)) {
            methods.add(HttpMethod.HEAD);
        }
        methods.add(HttpMethod.OPTIONS);
        return Collections.unmodifiableSet(methods);
    }

    /** The {@code Allow} header value for {@code path}: the allowed methods, comma-separated. */
    public String allowHeader(String path) {
        return String.join(", ", allowed(path));
    }

    private List<Route> routes() {
        List<Route> known = routes;
        if (known == null) {
            known = scan();
            routes = known;
        }
        return known;
    }

    private static List<Route> scan() {
        List<Route> found = new ArrayList<>();
        for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            Path root = type.getAnnotation(Path.class);
            if (root == null) {
                continue;
            }
            for (Method m : type.getMethods()) {
                String verb = httpMethod(m);
                if (verb != null) {
                    Path sub = m.getAnnotation(Path.class);
                    found.add(new Route(template(join(root.value(), sub == null ? "" : sub.value())), verb));
                }
            }
        }
        return List.copyOf(found);
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    private static String join(String root, String sub) {
        String path = ("/" + root + "/" + sub).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** A path template as a pattern: each {@code {name}} matches one non-empty segment. */
    private static Pattern template(String path) {
        StringBuilder regex = new StringBuilder();
        int at = 0;
        while (at < path.length()) {
            int open = path.indexOf('{', at);
            if (open < 0) {
                regex.append(Pattern.quote(path.substring(at)));
                break;
            }
            regex.append(Pattern.quote(path.substring(at, open))).append("[^/]+");
            at = path.indexOf('}', open) + 1;
        }
        return Pattern.compile(regex + "/?");
    }
}
