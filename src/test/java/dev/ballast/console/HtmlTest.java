package dev.ballast.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HtmlTest {
    private static final String HOSTILE = "<script>alert('x')</script> & \"quoted\"";

    @Test
    void escapesTextSoNoMarkupGetsThrough() {
        String out = new Html().el("p", HOSTILE).toString();

        assertThat(out)
                .isEqualTo("<p>&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"quoted\"</p>")
                .doesNotContain("<script>");
    }

    @Test
    void escapesAttributeValuesIncludingQuotes() {
        String out = new Html()
                .open("a", "href", "/x?a=1&b=\"2\"", "title", "it's <b>")
                .close("a")
                .toString();

        assertThat(out).isEqualTo("<a href=\"/x?a=1&amp;b=&quot;2&quot;\" title=\"it&#39;s &lt;b&gt;\"></a>");
    }

    @Test
    void aNullAttributeIsOmittedAndAnEmptyOneWrittenBare() {
        String out = new Html()
                .empty("input", "name", "n", "aria-invalid", null, "required", "")
                .toString();

        assertThat(out).isEqualTo("<input name=\"n\" required>");
    }

    @Test
    void nullTextWritesNothingAndNumbersAreText() {
        assertThat(new Html().el("td", null).toString()).isEqualTo("<td></td>");
        assertThat(new Html().el("td", 42).toString()).isEqualTo("<td>42</td>");
    }

    @Test
    void linksAndCodeEscapeTheirTextAndHref() {
        String out = new Html().a("/console/clusters/<c>", "<c>").code("a&b").toString();

        assertThat(out).isEqualTo("<a href=\"/console/clusters/&lt;c&gt;\">&lt;c&gt;</a><code>a&amp;b</code>");
    }

    @Test
    void rawAppendsAnotherWritersMarkupUnchanged() {
        Html inner = new Html().el("b", "<i>");

        assertThat(new Html().open("p").raw(inner).close("p").toString()).isEqualTo("<p><b>&lt;i&gt;</b></p>");
    }

    @Test
    void escapedQuotesForAttributes() {
        assertThat(Html.escaped("a\"b'c<d>&")).isEqualTo("a&quot;b&#39;c&lt;d&gt;&amp;");
    }

    @Test
    void attributesComeInPairs() {
        assertThatThrownBy(() -> new Html().open("p", "class"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pairs");
    }
}
