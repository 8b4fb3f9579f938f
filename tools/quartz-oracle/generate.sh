#!/bin/sh
# Regenerates packages/cron/test/quartz-fixtures.json from cases.tsv with real Quartz
# (org.quartz-scheduler:quartz 2.5.2 from Maven Central). Needs Java 17+ and Maven.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$here"
mvn -q dependency:copy-dependencies -DincludeArtifactIds=quartz,slf4j-api -DoutputDirectory=target/lib
mkdir -p target/classes
javac -d target/classes -cp "target/lib/*" src/main/java/jobwire/Oracle.java
grep -v '^#' cases.tsv | cut -f1-4 | java -cp "target/classes:target/lib/*" jobwire.Oracle > target/answers.tsv
node "$here/to-fixtures.mjs" "$here/cases.tsv" "$here/target/answers.tsv" > "$root/packages/cron/test/quartz-fixtures.json"
echo "wrote packages/cron/test/quartz-fixtures.json"
