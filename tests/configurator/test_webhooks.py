from datetime import timedelta

from configurator.webhooks import MAX_ATTEMPTS, RETRY_DELAYS, retry_delay, schedule_words


def test_the_retries_grow_and_span_more_than_a_day():
    assert list(RETRY_DELAYS) == sorted(RETRY_DELAYS)
    assert sum(RETRY_DELAYS, timedelta()) >= timedelta(hours=24)
    assert retry_delay(1) == timedelta(seconds=30)
    assert retry_delay(2) == timedelta(minutes=2)


def test_no_retry_is_left_after_the_last_attempt():
    assert retry_delay(MAX_ATTEMPTS - 1) == timedelta(hours=24)
    assert retry_delay(MAX_ATTEMPTS) is None
    assert retry_delay(0) is None


def test_the_schedule_reads_as_people_say_it():
    assert schedule_words() == ("30 seconds, 2 minutes, 10 minutes, 1 hour, 4 hours, 12 hours and 24 hours")
