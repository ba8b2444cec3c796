package dev.ballast.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests of the pure pieces of the canonical request and of timestamp parsing. */
class CanonicalPartsTest {

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            NULL                | /
            ''                  | /
            /                   | /
            /foo/bar            | /foo/bar
            /foo/bar/           | /foo/bar/
            /a%20b              | /a%2520b
            /%C3%BC             | /%25C3%25BC
            /a:b@c!$'()*+,;=    | /a%3Ab%40c%21%24%27%28%29%2A%2B%2C%3B%3D
            /-_.~               | /-_.~
            /a/./b/../c         | /a/c
            /a/b/.              | /a/b/
            /a/b/..             | /a/
            /..                 | /
            //double//slash     | //double//slash
            """)
    void canonicalUri(String rawPath, String expected) {
        assertThat(CanonicalRequest.canonicalUri(rawPath)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            NULL                  | ''
            ''                    | ''
            b=2&a=1               | a=1&b=2
            a=2&a=1&a=10          | a=1&a=10&a=2
            flag                  | flag=
            flag=&x=1             | flag=&x=1
            a=x%2fy               | a=x%2Fy
            a=x/y                 | a=x%2Fy
            a=b%20c               | a=b%20c
            a=b+c                 | a=b%2Bc
            %C3%BC=%E2%82%AC      | %C3%BC=%E2%82%AC
            a=%zz                 | a=%25zz
            a=1&&b=2              | a=1&b=2
            B=1&a=1               | B=1&a=1
            a=~-_.                | a=~-_.
            """)
    void canonicalQuery(String rawQuery, String expected) {
        assertThat(CanonicalRequest.canonicalQuery(rawQuery)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> ''{1}''")
    @CsvSource(delimiter = '|', textBlock = """
            'plain'                 | 'plain'
            '  padded  '            | 'padded'
            'a   b'                 | 'a b'
            'a\tb'                  | 'a b'
            ' a \t  b  c '          | 'a b c'
            'a b c'                 | 'a b c'
            'x,y'                   | 'x,y'
            """)
    void headerValueTrimmedAndCollapsed(String value, String expected) {
        StringBuilder sb = new StringBuilder();
        CanonicalRequest.appendHeaderValue(sb, List.of(value.replace("\\t", "\t")));
        assertThat(sb.toString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            one,two     | 'one',' two  '
            a,b,c       | 'a','b','c'
            """)
    void repeatedHeaderValuesJoinedWithCommas(String expected, String values) {
        List<String> list = List.of(values.substring(1, values.length() - 1).split("','"));
        StringBuilder sb = new StringBuilder();
        CanonicalRequest.appendHeaderValue(sb, list);
        assertThat(sb.toString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            20260101T120000Z  | 2026-01-01T12:00:00Z
            20240229T235959Z  | 2024-02-29T23:59:59Z
            20250229T000000Z  | NULL
            20261301T000000Z  | NULL
            20260101T240000Z  | NULL
            20260101T126000Z  | NULL
            20260101T120000   | NULL
            2026-01-01T12:00Z | NULL
            20260101 120000Z  | NULL
            2026010aT120000Z  | NULL
            20260101T120000z  | NULL
            """)
    void basicTimestamp(String value, String expected) {
        Optional<Instant> parsed = AmzDate.parseBasic(value);
        if (expected == null) {
            assertThat(parsed).isEmpty();
        } else {
            assertThat(parsed).contains(Instant.parse(expected));
            assertThat(AmzDate.formatBasic(parsed.orElseThrow())).isEqualTo(value);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            Thu, 01 Jan 2026 12:00:00 GMT | 2026-01-01T12:00:00Z
            Thu, 1 Jan 2026 12:00:00 GMT  | 2026-01-01T12:00:00Z
            2026-01-01T12:00:00Z          | NULL
            yesterday                     | NULL
            """)
    void httpDate(String value, String expected) {
        assertThat(AmzDate.parseHttpDate(value))
                .isEqualTo(Optional.ofNullable(expected).map(Instant::parse));
    }
}
