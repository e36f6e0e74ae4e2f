// model files
