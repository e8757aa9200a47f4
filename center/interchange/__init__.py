"""Import and export of the interchange files (`spec/interchange.md`): the public
entry points are in :mod:`.service`; file reading and writing in :mod:`.files`;
the row machinery in :mod:`.base`; one module per kind."""
