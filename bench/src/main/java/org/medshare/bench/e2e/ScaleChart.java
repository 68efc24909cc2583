package org.medshare.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Draws the scale curve of one {@code scripts/scale-bench.sh} report as an SVG: on the left the seconds from
 * submission to result of the count, the DP mean and the regression over every record, and the restart time; on the
 * right the ingest rate (records/s) and the service's heap after a full GC (MB). Both x axes are the number of records,
 * logarithmic, so a straight line of slope one in seconds per decade means linear growth.
 *
 * <p>Usage: {@code ScaleChart REPORT.txt OUT.svg}
 */
public final class ScaleChart {
    private static final Pattern SIZE = Pattern.compile("^## ([\\d,]+) records");
    private static final Pattern INGEST = Pattern.compile("^ingest of records .*?: ([\\d.]+) records/s");
    private static final Pattern QUERY = Pattern.compile("^(count|mean|OLS)\\b.*?: ([\\d.]+) s submit to result");
    private static final Pattern HEAP = Pattern.compile("^service heap after a full GC: ([\\d.]+) MB");
    private static final Pattern RESTART = Pattern.compile("^service ready again on (\\d+) records after ([\\d.]+) s");
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
    private static final int PANEL_WIDTH = 420;
    private static final int PANEL_HEIGHT = 300;
    private static final int MARGIN = 60;

    private ScaleChart() {}

    public static void main(String[] args) throws IOException {
        Map<String, Map<Long, Double>> seconds = new LinkedHashMap<>();
        Map<String, Map<Long, Double>> rates = new LinkedHashMap<>();
        long size = 0;
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            Matcher m;
            if ((m = SIZE.matcher(line)).find()) {
                size = Long.parseLong(m.group(1).replace(",", ""));
            } else if ((m = INGEST.matcher(line)).find()) {
                put(rates, "ingest (records/s)", size, m.group(1));
            } else if ((m = QUERY.matcher(line)).find()) {
                put(seconds, m.group(1) + " over every record (s)", size, m.group(2));
            } else if ((m = HEAP.matcher(line)).find()) {
                put(rates, "heap after full GC (MB)", size, m.group(1));
            } else if ((m = RESTART.matcher(line)).find()) {
                put(seconds, "restart until ready (s)", Long.parseLong(m.group(1)), m.group(2));
            }
        }
        StringBuilder svg = new StringBuilder();
        int width = 2 * (PANEL_WIDTH + 2 * MARGIN);
        int height = PANEL_HEIGHT + 2 * MARGIN + 20 * Math.max(seconds.size(), rates.size());
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                        + " font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
                width,
                height));
        panel(svg, 0, "Seconds at each size", seconds);
        panel(svg, PANEL_WIDTH + 2 * MARGIN, "Ingest rate and heap at each size", rates);
        svg.append("</svg>\n");
        Files.writeString(Path.of(args[1]), svg, StandardCharsets.UTF_8);
    }

    private static void put(Map<String, Map<Long, Double>> series, String name, long size, String value) {
        series.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(size, Double.parseDouble(value));
    }

    private static void panel(StringBuilder svg, int left, String title, Map<String, Map<Long, Double>> series) {
        List<Long> sizes = new ArrayList<>();
        double top = 0;
        for (Map<Long, Double> points : series.values()) {
            points.keySet().stream().filter(s -> !sizes.contains(s)).forEach(sizes::add);
            top = Math.max(
                    top,
                    points.values().stream()
                            .mapToDouble(Double::doubleValue)
                            .max()
                            .orElse(0));
        }
        sizes.sort(null);
        if (sizes.isEmpty()) {
            return;
        }
        top = niceCeiling(top);
        double minLog = Math.log10(sizes.get(0));
        double maxLog = Math.max(minLog + 1, Math.log10(sizes.get(sizes.size() - 1)));
        int x0 = left + MARGIN;
        int y0 = MARGIN + PANEL_HEIGHT;
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"14\">%s</text>%n"
                        + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n"
                        + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                x0,
                MARGIN - 20,
                title,
                x0,
                y0,
                x0 + PANEL_WIDTH,
                y0,
                x0,
                y0,
                x0,
                MARGIN));
        for (int i = 0; i <= 4; i++) {
            double value = top * i / 4;
            int y = (int) Math.round(y0 - PANEL_HEIGHT * value / top);
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
                            + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    x0,
                    y,
                    x0 + PANEL_WIDTH,
                    y,
                    x0 - 6,
                    y + 4,
                    trim(value)));
        }
        for (long s : sizes) {
            int x = xOf(s, minLog, maxLog, x0);
            svg.append(String.format(
                    Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%,d</text>%n", x, y0 + 18, s));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">records (log scale)</text>%n",
                x0 + PANEL_WIDTH / 2,
                y0 + 36));
        int legend = 0;
        for (Map.Entry<String, Map<Long, Double>> e : series.entrySet()) {
            String colour = COLOURS[legend % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (Map.Entry<Long, Double> p : e.getValue().entrySet()) {
                int x = xOf(p.getKey(), minLog, maxLog, x0);
                int y = (int) Math.round(y0 - PANEL_HEIGHT * p.getValue() / top);
                points.append(x).append(',').append(y).append(' ');
                svg.append(String.format(
                        Locale.ROOT,
                        "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
                        x,
                        y,
                        colour,
                        x + 5,
                        y - 5,
                        colour,
                        trim(p.getValue())));
            }
            int ly = y0 + 56 + 20 * legend;
            svg.append(String.format(
                    Locale.ROOT,
                    "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n"
                            + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
                            + "<text x=\"%d\" y=\"%d\">%s</text>%n",
                    points.toString().trim(),
                    colour,
                    x0,
                    ly - 4,
                    x0 + 24,
                    ly - 4,
                    colour,
                    x0 + 30,
                    ly,
                    e.getKey()));
            legend++;
        }
    }

    private static int xOf(long size, double minLog, double maxLog, int x0) {
        return (int) Math.round(x0 + 20 + (PANEL_WIDTH - 40) * (Math.log10(size) - minLog) / (maxLog - minLog));
    }

    /** The smallest 1, 2 or 5 × 10^n at least {@code value}. */
    private static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double decade = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * decade >= value) {
                return step * decade;
            }
        }
        return 10 * decade;
    }

    private static String trim(double value) {
        return value == Math.rint(value)
                ? String.format(Locale.ROOT, "%,d", (long) value)
                : String.format(Locale.ROOT, "%.1f", value);
    }
}
