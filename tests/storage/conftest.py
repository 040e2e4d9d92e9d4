from tests.storage.emulator import gcs, gcs_emulator, service_account_file

__all__ = ["gcs", "gcs_emulator", "service_account_file"]
