package dev.saga.shop;

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
 * docs/testing.md shows test code of this repository and nothing else: each paragraph of each
 * Java snippet (blank lines apart) is part of a test source of the shop or of the test kit, up to
 * white space. So every snippet of the page compiles, and runs as the test it was taken from.
 */
class TestingGuideTests {

    private static final Path GUIDE = Path.of("..", "docs", "testing.md");
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final List<Path> SOURCE_ROOTS = List.of(Path.of("src", "test", "java"),
            Path.of("..", "saga-test", "src", "test", "java"));

    @Test
    void everyJavaSnippetOfTheTestingGuideIsCodeOfATest() throws IOException {
        var matcher = JAVA_BLOCK.matcher(Files.readString(GUIDE));
        var sources = sources();
        var problems = new ArrayList<String>();
        int snippets = 0;
        while (matcher.find()) {
            snippets++;
            for (var paragraph : matcher.group(1).split("\\n\\s*\\n")) {
                if (sources.stream().noneMatch(source -> source.contains(normalized(paragraph)))) {
                    problems.add("No test source of the shop or the kit holds:\n" + paragraph);
                }
            }
        }
        assertThat(snippets).as("Java snippets in " + GUIDE).isGreaterThan(10);
        assertThat(problems).isEmpty();
    }

    /** Every test source file, white space normalized. */
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
