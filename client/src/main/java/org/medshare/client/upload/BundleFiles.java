package org.medshare.client.upload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.medshare.client.CliFailure;

/** The bundle files named on the command line: files as given, folders walked for {@code *.json}; sorted, distinct. */
final class BundleFiles {
  private BundleFiles() {}

  /**
   * @throws CliFailure usage error if a path does not exist or nothing is found
   */
  static List<Path> collect(List<Path> paths) {
    TreeSet<Path> files = new TreeSet<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(Files::isRegularFile)
              .filter(f -> f.getFileName().toString().endsWith(".json"))
              .filter(f -> !f.getFileName().toString().startsWith("."))
              .forEach(f -> files.add(f.toAbsolutePath().normalize()));
        } catch (IOException e) {
          throw CliFailure.usage("cannot read folder " + p + ": " + e.getMessage());
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p.toAbsolutePath().normalize());
      } else {
        throw CliFailure.usage("no such file or folder: " + p);
      }
    }
    if (files.isEmpty()) {
      throw CliFailure.usage("no *.json bundle files found in " + paths);
    }
    return new ArrayList<>(files);
  }
}
