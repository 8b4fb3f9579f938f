package jobwire;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * Reads cases (expression TAB zone TAB after-instant TAB count) from stdin and prints what
 * Quartz's CronExpression answers: "OK" and the next fire instants, or "ERR" and why.
 */
public final class Oracle {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] parts = line.split("\t");
      StringBuilder out = new StringBuilder();
      try {
        CronExpression cron = new CronExpression(parts[0]);
        cron.setTimeZone(TimeZone.getTimeZone(parts[1]));
        Date after = Date.from(Instant.parse(parts[2]));
        int count = Integer.parseInt(parts[3]);
        out.append("OK");
        for (int i = 0; i < count; i++) {
          Date next = cron.getNextValidTimeAfter(after);
          if (next == null) break;
          out.append('\t').append(next.toInstant().toString());
          after = next;
        }
      } catch (Exception e) {
        out.append("ERR\t").append(String.valueOf(e.getMessage()).replace('\t', ' ').replace('\n', ' '));
      }
      System.out.println(out);
    }
  }
}
