package dev.saga.guide;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * docs/getting-started.md shows this module's code, and nothing else: a Java snippet with a
 * package line is a whole file of the module, character for character; one without is a part of
 * a file, paragraph by paragraph (blank lines apart), up to white space. So every snippet of the
 * guide compiles, and the guide's own test ({@code OrderFulfilmentTests}) runs what it shows.
 */
class GettingStartedGuideTests {

    private static final Path GUIDE = Path.of("..", "docs", "getting-started.md");
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern PACKAGE = Pattern.compile("\\Apackage ([\\w.]+);");
    private static final Pattern TOP_LEVEL_TYPE = Pattern.compile(
            "^(?:public )?(?:final )?(?:class|record|interface|enum) (\\w+)", Pattern.MULTILINE);
    private static final List<Path> SOURCE_ROOTS = List.of(Path.of("src", "main", "java"),
            Path.of("src", "test", "java"));

    @Test
    void everyJavaSnippetOfTheGuideIsCompiledCodeOfThisModule() throws IOException {
        var snippets = snippets();
        var sources = sources();
        assertThat(snippets).as("Java snippets in " + GUIDE).hasSizeGreaterThan(10);

        var problems = new ArrayList<String>();
        for (var snippet : snippets) {
            var packageLine = PACKAGE.matcher(snippet);
            if (packageLine.find()) {
                var type = TOP_LEVEL_TYPE.matcher(snippet);
                var file = type.find() ? source(packageLine.group(1), type.group(1)) : null;
                if (file == null) {
                    problems.add("No source file of this module is the snippet:\n" + snippet);
                } else if (!Files.readString(file).equals(snippet)) {
                    problems.add("The snippet differs from " + file + " (copy the file into the guide):\n" + snippet);
                }
            } else {
                for (var paragraph : snippet.split("\\n\\s*\\n")) {
                    if (sources.stream().noneMatch(source -> source.contains(normalized(paragraph)))) {
                        problems.add("No source file of this module holds:\n" + paragraph);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    private static List<String> snippets() throws IOException {
        var matcher = JAVA_BLOCK.matcher(Files.readString(GUIDE));
        var snippets = new ArrayList<String>();
        while (matcher.find()) {
            snippets.add(matcher.group(1));
        }
        return snippets;
    }

    private static Path source(String packageName, String type) {
        return SOURCE_ROOTS.stream().map(root -> root.resolve(packageName.replace('.', '/')).resolve(type + ".java"))
                .filter(Files::isRegularFile).findFirst().orElse(null);
    }

    /** Every source file of the module, white space normalized. */
    private static List<String> sources() throws IOException {
        var sources = new ArrayList<String>();
        for (var root : SOURCE_ROOTS) {
            try (Stream<Path> files = Files.walk(root)) {
                for (var file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                    sources.add(normalized(Files.readString(file)));
                }
            }
        }
        return sources;
    }

    private static String normalized(String code) {
        return code.strip().replaceAll("\\s+", " ");
    }
}
