"""Hypothesis profiles, registered before pytest reads its options.

`pytest` uses "cnncalc" (300 examples per property, 300 random networks built in Keras);
`pytest --hypothesis-profile=long` draws 3,000; "mutation" (scripts/mutation.py) draws 25, so that
each of thousands of mutants is judged in seconds. No profile has a deadline: speed is measured
in bench/, never asserted by a test (a loaded CI machine made 200 ms deadlines flaky).
"""

from hypothesis import HealthCheck, settings

SLOW_IS_FINE = [HealthCheck.too_slow]
settings.register_profile(
    "cnncalc", max_examples=300, deadline=None, suppress_health_check=SLOW_IS_FINE
)
settings.register_profile(
    "long", max_examples=3000, deadline=None, suppress_health_check=SLOW_IS_FINE
)
settings.register_profile(
    "mutation",
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
