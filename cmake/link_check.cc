// The one source of each layer's link check (cmake/NlhfLayers.cmake): the layer's own code is linked in
// whole from its static library.
