//! A throwaway PostgreSQL cluster.
