"""The peer of `normcheck sweep` for the benchmark: OpenFisca-core computing TQ-04a and TQ-04b of
the 2025 amv policy over the same grid (age at application 0-215 months x procedure 0-48 months,
and optionally the months as a minor a durable permit requires 0-36: the 3-D grid).

Run by hand (whole process timed by bench/bench_engine.py):  python bench/openfisca_tq04.py [--3d]

The rules are hand-written here as OpenFisca variables (two-valued: every input is known), with the
policy's parameters as OpenFisca parameters; it prints how many points each rule fires at, which
the benchmark checks against normcheck's sweep so that both computed the same thing.
"""

from __future__ import annotations

import sys

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

Person = build_entity(key="person", plural="persons", label="An applicant", doc="", is_person=True)
PERIOD = "2025-04"


class age_at_application_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Age in whole months at the asylum application"


class procedure_duration_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Months from the application to the first-instance decision"


class durable_permit_requires_months_as_minor(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Months as a minor a durable permit requires (a policy parameter varied per point)"

    def formula(person, period, parameters):
        return person.empty_array() + parameters(period).amv.durable_permit_requires_months_as_minor


class max_attainable_months_as_permit_holder(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "Most months a minor can hold the permit before turning 18"

    def formula(person, period, parameters):
        p = parameters(period).amv
        delay = 0 if p.permit_starts_at_application else person("procedure_duration_months", period)
        left = 216 - person("age_at_application_months", period) - delay
        return np.minimum(p.permit_max_duration_months, np.maximum(0, left))


class tq04a(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "TQ-04a: a durable permit is arithmetically out of reach for this age group"

    def formula(person, period, parameters):
        p = parameters(period).amv
        required = person("durable_permit_requires_months_as_minor", period)
        return p.permit_ends_at_majority * (216 - person("age_at_application_months", period) < required)


class tq04b(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "TQ-04b: a durable permit is out of reach because of the procedure's length"

    def formula(person, period, parameters):
        p = parameters(period).amv
        required = person("durable_permit_requires_months_as_minor", period)
        age = person("age_at_application_months", period)
        attainable = person("max_attainable_months_as_permit_holder", period)
        return p.permit_ends_at_majority * (216 - age >= required) * (attainable < required)


def system() -> TaxBenefitSystem:
    tbs = TaxBenefitSystem([Person])
    for v in (age_at_application_months, procedure_duration_months, durable_permit_requires_months_as_minor,
              max_attainable_months_as_permit_holder, tq04a, tq04b):
        tbs.add_variable(v)
    since = "2025-04-01"  # the policy of 8 April 2025, at the month granularity of the period
    tbs.parameters = ParameterNode("", data={"amv": {
        "permit_max_duration_months": {"values": {since: 36}},
        "permit_ends_at_majority": {"values": {since: True}},
        "permit_starts_at_application": {"values": {since: False}},
        "durable_permit_requires_months_as_minor": {"values": {since: 36}},
    }})
    return tbs


def main() -> None:
    three_d = "--3d" in sys.argv
    axes = [np.arange(0, 216), np.arange(0, 49)] + ([np.arange(0, 37)] if three_d else [])
    grid = [g.ravel() for g in np.meshgrid(*axes, indexing="ij")]
    tbs = system()
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    builder.declare_person_entity("person", [f"p{i}" for i in range(grid[0].size)])
    sim = builder.build(tbs)
    sim.set_input("age_at_application_months", PERIOD, grid[0])
    sim.set_input("procedure_duration_months", PERIOD, grid[1])
    if three_d:
        sim.set_input("durable_permit_requires_months_as_minor", PERIOD, grid[2])
    a, b = sim.calculate("tq04a", PERIOD), sim.calculate("tq04b", PERIOD)
    print(f"points {grid[0].size} TQ-04a {int(a.sum())} TQ-04b {int(b.sum())}")


if __name__ == "__main__":
    main()
