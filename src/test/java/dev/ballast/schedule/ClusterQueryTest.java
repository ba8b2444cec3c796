package dev.ballast.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.store.InstanceRow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cluster query language: a table of expressions against one instance, and a table of refused ones. */
class ClusterQueryTest {
    private static final InstanceRow INSTANCE = instance();
    private static final List<String> GROUPS = List.of("service:web", "family:batch");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " #", quoteCharacter = '`', textBlock = """
            attribute:ecs.instance-type == t2.small # true
            attribute:ecs.instance-type equals t2.small # true
            attribute:ecs.instance-type == t2.micro # false
            attribute:ecs.instance-type != t2.micro # true
            attribute:ecs.instance-type not_equals t2.small # false
            attribute:ecs.instance-type == 't2.small' # true
            attribute:ecs.instance-type == "t2.small" # true
            attribute:ecs.instance-type =~ t2.* # true
            attribute:ecs.instance-type matches 'm5\\..*' # false
            attribute:ecs.instance-type !~ m5.* # true
            attribute:ecs.instance-type not_matches t2.* # false
            attribute:ecs.availability-zone in [us-east-1a, us-east-1b] # true
            attribute:ecs.availability-zone in (us-east-1b, us-east-1c) # false
            attribute:ecs.availability-zone !in [us-east-1b] # true
            attribute:ecs.availability-zone not_in ['us-east-1a'] # false
            attribute:stack exists # true
            attribute:stack !exists # false
            attribute:missing not_exists # true
            attribute:missing == x # false
            attribute:missing != x # true
            attribute:flag exists # true
            attribute:flag == x # false
            attribute:disk > 9 # true
            attribute:disk >= 10 # true
            attribute:disk < 9 # false
            attribute:stack == 'prod blue' # true
            ec2InstanceId == i-0abc # true
            ec2InstanceId in ['i-0abc', 'i-0def'] # true
            ec2InstanceId =~ i-0.* # true
            agentConnected == true # true
            agentConnected != true # false
            agentVersion >= 1.80.0 # true
            agentVersion < 1.83 # false
            agentVersion == 1.83.0 # true
            runningTasksCount == 2 # true
            runningTasksCount > 2 # false
            runningTasksCount <= 2 # true
            registeredAt >= 2018-06-18 # true
            registeredAt == 2018-06-18 # true
            registeredAt < 2018-06-18T22:28:28Z # true
            registeredAt > 2018-06-18T10:00:00+00:00 # true
            registeredAt > 2018-06-18T10:00:00 # true
            registeredAt != 2018-06-19 # true
            task:group == service:web # true
            task:group == service:db # false
            task:group != service:db # true
            task:group != service:web # false
            task:group in [service:db, family:batch] # true
            task:group =~ service:.* # true
            not(task:group == service:web) # false
            !(task:group == service:db) # true
            attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a # true
            attribute:ecs.instance-type =~ t2.* && attribute:ecs.availability-zone == us-east-1b # false
            attribute:ecs.instance-type == m5.large or runningTasksCount == 2 # true
            attribute:ecs.instance-type == m5.large || runningTasksCount == 3 # false
            attribute:x == 1 or attribute:ecs.instance-type == t2.small and runningTasksCount == 3 # false
            (attribute:x == 1 or attribute:ecs.instance-type == t2.small) and runningTasksCount == 2 # true
            not attribute:ecs.instance-type == t2.small or agentConnected == true # true
            NOT (attribute:stack exists AND attribute:flag !exists) # true
            """)
    void evaluates(String expression, boolean expected) {
        assertThat(ClusterQuery.parse(expression).matches(INSTANCE, GROUPS, 2)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            attribute:ecs.instance-type = t2.small          | '=' is not an operator; use '==' or '=~' (at position 29)
            attribute:ecs.instance-type                     | expected an operator after 'attribute:ecs.instance-type', found the end of the expression
            attribute:ecs.instance-type ==                  | expected a value after '==', found the end of the expression
            colour == red                                   | unknown subject 'colour'
            attribute: == x                                 | 'attribute:' needs an attribute name
            ec2InstanceId > i-1                             | operator '>' cannot be used with 'ec2InstanceId' (at position 15)
            task:group exists                               | operator 'exists' cannot be used with 'task:group'
            runningTasksCount == many                       | runningTasksCount compares with a whole number, not 'many'
            registeredAt > yesterday                        | registeredAt compares with a date such as 2018-06-18
            agentVersion > latest                           | agentVersion compares with a version such as 1.83.0, not 'latest'
            agentConnected == maybe                         | agentConnected compares with true or false, not 'maybe'
            attribute:a =~ '(unclosed'                      | is not a valid regular expression
            attribute:a in us-east-1a                       | expected a list such as [a, b] after 'in', found 'us-east-1a'
            attribute:a in [x, y                            | expected ']' to close the '[' at position 16, found the end of the expression
            (attribute:a == x                               | expected ')' to close the '(' at position 1, found the end of the expression
            attribute:a == x attribute:b == y               | expected 'and', 'or' or the end of the expression, found 'attribute:b'
            attribute:a == x and                            | expected a subject
            attribute:a == 'x                               | the quoted value is not closed
            attribute:a == x & attribute:b == y             | '&' is not an operator; use '&&'
            """)
    void refuses(String expression, String problem) {
        assertThatThrownBy(() -> ClusterQuery.parse(expression))
                .isInstanceOf(InvalidQueryException.class)
                .hasMessageStartingWith("Invalid expression '" + expression + "': ")
                .hasMessageContaining(problem);
    }

    @Test
    void empty_and_overlong_expressions_are_refused() {
        assertThatThrownBy(() -> ClusterQuery.parse(" ")).hasMessageContaining("the expression is empty");
        String longOne = "attribute:a == " + "x".repeat(2000);
        assertThatThrownBy(() -> ClusterQuery.parse(longOne))
                .hasMessageContaining("an expression has at most 2000 characters, this one 2015");
    }

    @Test
    void only_task_subjects_read_tasks() {
        assertThat(ClusterQuery.parse("attribute:a == b").readsTasks()).isFalse();
        assertThat(ClusterQuery.parse("attribute:a == b or not task:group == x").readsTasks())
                .isTrue();
        assertThat(ClusterQuery.parse("runningTasksCount < 3").readsTasks()).isTrue();
    }

    private static InstanceRow instance() {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("ecs.instance-type", "t2.small");
        attributes.put("ecs.availability-zone", "us-east-1a");
        attributes.put("stack", "prod blue");
        attributes.put("flag", null);
        attributes.put("disk", "10");
        return new InstanceRow(
                "arn:aws:ecs:us-east-1:000000000000:container-instance/default/abc",
                "default",
                "arn:aws:ecs:us-east-1:000000000000:cluster/default",
                "i-0abc",
                "ACTIVE",
                true,
                1024,
                1024,
                attributes,
                "1.83.0",
                Instant.parse("2018-06-18T12:00:00Z").toEpochMilli());
    }
}
