package dev.honker.spring.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The short kill -9 loop of CI (the long one, 50 kills during a 5,000-job drain per ack
 * mode, is {@code KillLoopBenchmark}): worker JVMs killed at random moments of a drain
 * lose no job; effects repeat only for jobs whose run a kill interrupted, and never in
 * TRANSACTIONAL mode.
 */
class KillNineLoopTests {

	@TempDir
	Path directory;

	@ParameterizedTest
	@ValueSource(strings = { "AFTER_HANDLER", "TRANSACTIONAL" })
	void killedWorkersLoseNothing(String ackMode) throws Exception {
		KillLoop.Report report = KillLoop.run(this.directory, ackMode, 400, 4, 13);

		assertThat(report.kills()).as("%s", report).isEqualTo(4);
		assertThat(report.lost()).as("%s", report).isZero();
		assertThat(report.live()).as("%s", report).isZero();
		assertThat(report.dead()).as("%s", report).isZero();
		assertThat(report.handled()).as("%s", report).isEqualTo(400);
		assertThat(report.unexplainedDuplicates()).as("%s", report).isZero();
		if (ackMode.equals("TRANSACTIONAL")) {
			assertThat(report.effects()).as("%s", report).isEqualTo(400);
		}
	}

}
