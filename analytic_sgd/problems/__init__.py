"""Problems: data files, named examples, seeded generators, and the Problem every command runs."""
