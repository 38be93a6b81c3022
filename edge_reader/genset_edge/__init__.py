"""genset-edge-reader: reads a genset controller over Modbus TCP by a register map kept as data, and
publishes what it reads to MQTT for the Genset Service app, buffering on disk while the broker is away.

``registers`` decodes registers by a map (pure); ``buffer`` is the disk buffer; ``poller`` reads the
controllers; ``sender`` publishes in order; ``main`` wires them from one configuration file."""

__version__ = "0.1.0"
