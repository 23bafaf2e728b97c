"""What-if: after a change to a published schedule, the least disruptive new version.

`changes` reads what changed, `disruption` prices moving a published talk, `reschedule` re-solves (least disruption
first, then quality), `changelog` and `revision` say what moved and write the next version."""
