#version 130
// Lit surfaces: buildings, the boat, trees, figures, models, text, terrain.
// Sun, sky and lamp light and the fog's optical depth are worked out per vertex
// (lit_out.glsl) and interpolated: the fragment shaders only texture, mix and tone (a
// software rasterizer pays for every instruction on every pixel).
#include "common.glsl"
#include "lit_out.glsl"

void main() {
    lit_vertex(p3d_Vertex, p3d_Normal, p3d_Color, p3d_MultiTexCoord0);
}
